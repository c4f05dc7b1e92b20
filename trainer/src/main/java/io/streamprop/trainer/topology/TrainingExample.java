package io.streamprop.trainer.topology;

import io.streamprop.spec.ModelSpec;
import io.streamprop.wire.Example;

/**
 * A validated example on its way from {@link ParseAndValidate} to {@link Train}, with the spec it
 * was validated against (passed in memory within the task, never serialized).
 */
public record TrainingExample(ModelSpec spec, Example example) {}
