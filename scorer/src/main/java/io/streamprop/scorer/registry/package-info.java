/**
 * The models being served: a {@link io.streamprop.scorer.registry.ModelRegistry} of an immutable
 * {@link io.streamprop.scorer.registry.ServedModel} per name, replaced atomically when a newer
 * snapshot has been decoded, built and warmed by the {@link
 * io.streamprop.scorer.registry.ModelLoader}. By default the decoded models live in a cache bounded
 * by bytes over a {@link io.streamprop.scorer.registry.SnapshotStore} of every model's latest
 * snapshot bytes on disk, from which an evicted model is decoded again when a request asks for it.
 */
package io.streamprop.scorer.registry;
