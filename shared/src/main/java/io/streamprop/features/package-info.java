/**
 * Raw events into network inputs: a {@link io.streamprop.features.FeatureSchema} declares named
 * numeric, boolean, categorical and token features, and a {@link io.streamprop.features.Featurizer}
 * turns one event (a JSON object or a CSV row) into one row of a {@link
 * io.streamprop.features.FeaturizedBatch}: the dense inputs and, per embedded field, the hashed
 * bucket ids. Vocabulary-free by design: categorical values and tokens are hashed with MurmurHash3
 * into a fixed number of buckets ({@code docs/spec.md}, "Raw features").
 */
package io.streamprop.features;
