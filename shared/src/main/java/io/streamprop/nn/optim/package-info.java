/**
 * Optimizers (SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW), learning-rate schedules and
 * gradient clipping by global norm. Every update rule matches PyTorch's {@code torch.optim} formula
 * for formula; state lives in flat float arrays per slot and tensor ({@link
 * io.streamprop.nn.optim.OptimizerState}) so that a snapshot restores it bit for bit, and a step
 * allocates nothing. Embedding tables are updated lazily, only in the rows a mini-batch touched
 * ({@link io.streamprop.nn.optim.TouchedRows}).
 */
package io.streamprop.nn.optim;
