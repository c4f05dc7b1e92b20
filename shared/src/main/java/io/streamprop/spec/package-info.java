/**
 * Model specs: the {@link io.streamprop.spec.ModelSpec} record, its JSON form ({@link
 * io.streamprop.spec.SpecJson}), its defaults ({@link io.streamprop.spec.SpecDefaults}) and the
 * limits that keep every valid model publishable ({@link io.streamprop.spec.SpecLimits}). A spec
 * that exists is valid: the record's constructor enforces every rule of {@code docs/spec.md}.
 */
package io.streamprop.spec;
