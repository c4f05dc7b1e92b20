/**
 * Helpers that tests of several packages share: the bounds of a fuzz test's decoder calls, the
 * current thread's allocation counter.
 */
package io.streamprop.testing;
