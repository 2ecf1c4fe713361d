/**
 * Engine internals, single-threaded per shard: window operators over off-heap state, their timers and
 * the output they fire into. Public only so the engine package can wire them; not an API.
 */
package io.sluice.window;
