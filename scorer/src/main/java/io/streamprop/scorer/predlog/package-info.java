/**
 * The prediction log: every prediction the scorer answers, written to the {@code predictions} topic
 * (contract in {@code docs/topics.md}) with its id, so that a label arriving later can be joined to
 * the features it was predicted from. Modes and what a crash can lose: {@code docs/reliability.md}.
 */
package io.streamprop.scorer.predlog;
