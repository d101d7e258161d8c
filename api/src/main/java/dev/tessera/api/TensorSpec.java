package dev.tessera.api;

import java.util.List;

/**
 * One tensor of a kernel's signature, as declared: its name, whether it is an input or an output,
 * its storage type ({@code f32}, {@code f16}, {@code bf16}, {@code i8}, {@code bool}) and its shape
 * as dimension expressions such as {@code ["B", "H", "M", "D"]}.
 *
 * @param name the tensor's name in the source
 * @param role input or output
 * @param dtype the storage type
 * @param shape the dimension expressions, outermost first
 */
public record TensorSpec(String name, Role role, String dtype, List<String> shape) {
  /** Which side of the kernel a tensor is on. */
  public enum Role {
    /** Given to {@code run}. */
    INPUT,
    /** Returned by {@code run}. */
    OUTPUT
  }

  /** Copies the shape. */
  public TensorSpec {
    shape = List.copyOf(shape);
  }

  /** {@code name: dtype[dims]}, the way the source declares it. */
  @Override
  public String toString() {
    return name + ": " + dtype + "[" + String.join(", ", shape) + "]";
  }
}
