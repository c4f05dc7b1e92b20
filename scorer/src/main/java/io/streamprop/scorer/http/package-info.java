/**
 * The HTTP API of the scorer, on Jetty 12 core: the TensorFlow Serving / KServe V1 predict route,
 * model status, Prometheus metrics and health. Predict bodies of plain rows are read straight from
 * their bytes into float arrays ({@code RowScanner}), every other body by Jackson's streaming
 * parser, which also words every error; predict responses are written straight into bytes, each
 * float in the shortest form that reads back to it ({@code ShortestFloat}, Jackson's very bytes).
 * Every error is a JSON body naming the problem.
 */
package io.streamprop.scorer.http;
