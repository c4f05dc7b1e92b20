/** Test helpers: datasets with their offline reference, and bit-exact model comparison. */
package io.streamprop.trainer.testing;
