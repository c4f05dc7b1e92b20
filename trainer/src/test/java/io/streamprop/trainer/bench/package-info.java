/** The trainer-throughput benchmark harness, run by {@code trainer/bench/throughput.sh}. */
package io.streamprop.trainer.bench;
