package io.sluice.tools.config;

/** Durations as the config writes them: a whole number and a unit, {@code ms}, {@code s}, {@code m} or {@code h}. */
final class Durations
{
    static final String FORMAT = "a whole number with a unit: ms, s, m or h (e.g. 200ms, 5s, 1m)";

    private Durations()
    {
    }

    /** @return milliseconds, or -1 if the text is not a duration (negative ones included: the caller says why). */
    static long parseMs(final String text)
    {
        final String trimmed = text.trim();
        int digitsEnd = trimmed.startsWith("-") ? 1 : 0;
        while (digitsEnd < trimmed.length() && Character.isDigit(trimmed.charAt(digitsEnd)))
        {
            digitsEnd++;
        }
        final String digits = trimmed.substring(0, digitsEnd);
        if (digits.isEmpty() || digits.equals("-"))
        {
            return -1;
        }
        final long multiplier;
        switch (trimmed.substring(digitsEnd).trim())
        {
            case "ms":
                multiplier = 1;
                break;
            case "s":
                multiplier = 1_000;
                break;
            case "m":
                multiplier = 60_000;
                break;
            case "h":
                multiplier = 3_600_000;
                break;
            default:
                return -1;
        }
        try
        {
            final long amount = Long.parseLong(digits);
            return amount < 0 ? Long.MIN_VALUE : Math.multiplyExact(amount, multiplier);
        }
        catch (final NumberFormatException | ArithmeticException e)
        {
            return -1;
        }
    }
}
