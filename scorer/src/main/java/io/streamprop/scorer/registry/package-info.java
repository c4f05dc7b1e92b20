/**
 * The models being served: an immutable {@link io.streamprop.scorer.registry.ServedModel} per name
 * in a {@link io.streamprop.scorer.registry.ModelRegistry}, replaced atomically when a newer
 * snapshot has been decoded, built and warmed by the {@link
 * io.streamprop.scorer.registry.ModelLoader}.
 */
package io.streamprop.scorer.registry;
