package io.sluice.state;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KeyDictionaryTest
{
    @Test
    void shouldGiveStableDenseIdsAndTheTextBack()
    {
        try (KeyDictionary dictionary = new KeyDictionary(4))
        {
            final Map<String, Integer> ids = new HashMap<>();
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < 50_000; i++)
                {
                    final String key = (i % 3 == 0 ? "ключ-" : "k") + i + (i % 7 == 0 ? "\uD83D\uDE00" : "");
                    final char[] chars = key.toCharArray();
                    final int id = dictionary.intern(chars, chars.length, KeyDictionary.hash(chars, chars.length));
                    final Integer previous = ids.putIfAbsent(key, id);
                    assertEquals(previous == null ? ids.size() - 1 : previous, id, key);
                    assertEquals(key, dictionary.text(id).toString());
                }
            }
            assertEquals(50_000, dictionary.size());
        }
    }

    @Test
    void shouldHashCharArrayAndCharSequenceAlike()
    {
        final String key = "user-42";
        assertEquals(KeyDictionary.hash(key), KeyDictionary.hash(key.toCharArray(), key.length()));
        final char[] slot = new char[12];
        assertEquals(KeyDictionary.hash(key), KeyDictionary.copyAndHash(key, slot, 3));
        assertEquals(key, new String(slot, 3, key.length()));
    }
}
