/**
 * Optimizers (SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW), learning-rate schedules and
 * gradient clipping by global norm. Every update rule matches PyTorch's {@code torch.optim} formula
 * for formula; state lives in flat float arrays per slot and tensor ({@link
 * io.streamprop.nn.optim.OptimizerState}) so that a snapshot restores it bit for bit, and a step
 * allocates nothing.
 */
package io.streamprop.nn.optim;
