/**
 * The HTTP API of the scorer, on Jetty 12 core: the TensorFlow Serving / KServe V1 predict route,
 * model status, Prometheus metrics and health. Request bodies are parsed with Jackson's streaming
 * parser straight into float arrays; every error is a JSON body naming the problem.
 */
package io.streamprop.scorer.http;
