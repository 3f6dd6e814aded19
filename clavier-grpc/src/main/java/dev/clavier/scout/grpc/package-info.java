/**
 * The {@code grpc} scout: {@code grpc.health.v1.Health/Check}; the only package that imports gRPC.
 */
@NullMarked
package dev.clavier.scout.grpc;

import org.jspecify.annotations.NullMarked;
