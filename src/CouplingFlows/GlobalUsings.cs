// System.Numerics.Tensors also defines a Tensor type; only its SIMD kernels are used here.
global using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
