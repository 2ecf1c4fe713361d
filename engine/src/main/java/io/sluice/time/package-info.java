/** Watermark generation, done once per pipeline at the sequencer from the order events are accepted in. */
package io.sluice.time;
