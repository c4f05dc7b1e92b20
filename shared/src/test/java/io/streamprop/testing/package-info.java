/** Helpers that tests of several packages share: the bounds of a fuzz test's decoder calls. */
package io.streamprop.testing;
