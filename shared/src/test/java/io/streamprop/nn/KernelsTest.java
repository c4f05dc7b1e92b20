package io.streamprop.nn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The build runs the engine's tests on the kernels users get: the vector kernels (surefire passes
 * {@code --add-modules jdk.incubator.vector}), and once more on the scalar loops ({@code
 * -Dstreamprop.engine.kernels=scalar}, the shared module's {@code scalar-kernels} execution). If
 * either setting is lost, the kernel tests would silently test one path twice; this test notices.
 */
class KernelsTest {

  @Test
  void kernels_followTheJvmsModulesAndTheProperty() {
    boolean forcedScalar = "scalar".equals(System.getProperty("streamprop.engine.kernels"));
    boolean moduleThere = ModuleLayer.boot().findModule(Kernels.VECTOR_MODULE).isPresent();

    assertThat(moduleThere)
        .as("the build's test JVMs start with --add-modules %s", Kernels.VECTOR_MODULE)
        .isTrue();
    assertThat(Kernels.vector()).isEqualTo(!forcedScalar);
    assertThat(Kernels.description()).startsWith(forcedScalar ? "scalar" : "vector");
  }
}
