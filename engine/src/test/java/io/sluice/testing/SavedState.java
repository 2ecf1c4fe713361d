package io.sluice.testing;

import io.sluice.state.StateReader;
import io.sluice.state.StateWriter;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.function.Consumer;

/** A checkpoint round trip for tests: what a save writes, copied out, as a reader for the restore. */
public final class SavedState
{
    private SavedState()
    {
    }

    public static StateReader readerOf(final Consumer<StateWriter> save)
    {
        final StateWriter writer = new StateWriter(256);
        save.accept(writer);
        final byte[] state = new byte[writer.length()];
        writer.buffer().getBytes(0, state);
        writer.close();
        return new StateReader(new UnsafeBuffer(state), 0, state.length, "test checkpoint");
    }
}
