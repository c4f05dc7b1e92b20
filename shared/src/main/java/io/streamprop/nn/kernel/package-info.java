/**
 * How a dense layer's products are computed, fast. {@link io.streamprop.nn.Dense} defines the math
 * as plain loops (its reference kernel) and runs a {@link io.streamprop.nn.kernel.DenseKernel}
 * chosen once per layer by {@link io.streamprop.nn.kernel.Kernels#dense}: the scalar kernels
 * arrange those loops so that HotSpot vectorizes them, the vector kernels use the JDK's Vector API.
 * Every kernel gives the reference's bits in training; tests hold each one to it.
 */
package io.streamprop.nn.kernel;
