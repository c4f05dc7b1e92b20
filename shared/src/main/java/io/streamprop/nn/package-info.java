/**
 * The neural-network engine: dense layers, activations, losses, batch normalization, dropout,
 * initializers and embedding bags (hashed ids into learned vectors) as forward/backward pairs over
 * flat row-major float arrays, assembled into an {@link io.streamprop.nn.Mlp}. No object per
 * neuron, no autograd: each backward reads as its forward in reverse. The math and the conventions
 * are in {@code docs/engine.md}.
 */
package io.streamprop.nn;
