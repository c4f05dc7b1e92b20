/**
 * The fault suite: each {@code *IT} runs real trainer, scorer and broker processes on one machine,
 * injects one kind of fault (SIGKILL, broker restart, scorer restart under load, poison records,
 * bad snapshots, a trainer cut off by a network partition) and checks the outcome against the
 * offline engine, bit for bit. Sizes come from {@link io.streamprop.faults.rig.FaultSizes}; figures
 * go to {@code target/fault-report.md}.
 */
package io.streamprop.faults;
