/**
 * Off-heap and primitive state owned by one shard thread: the keyed hash table, the key dictionary and
 * the timer queue. Nothing here is thread-safe; the single-writer rule makes it unnecessary.
 */
package io.sluice.state;
