import protobuf from "protobufjs";

/**
 * The part of ONNX's onnx.proto (proto2, IR version 3+) that Masklab reads and that its tests
 * write: a model's opsets, graph nodes, initializer shapes and the typed inputs and outputs.
 * Field numbers and packing are onnx.proto's own, so protobufjs decodes any real export (fields
 * not listed are skipped) and the graphs the tests build load in ONNX Runtime.
 */
const ONNX_SUBSET = `
syntax = "proto2";
package onnx;

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional bytes raw_data = 9;
}
message AttributeProto {
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional int32 type = 20;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
  optional string domain = 7;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}
`;

/** ONNX's TensorProto.DataType values Masklab meets. */
export const ONNX_ELEMENT_TYPES = { float: 1, uint8: 2, int32: 6, int64: 7, float16: 10, double: 11 } as const;

/** AttributeProto.AttributeType values the tests write. */
export const ONNX_ATTRIBUTE_TYPES = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

let modelType: protobuf.Type | undefined;

/** onnx.ModelProto as protobufjs reads and writes it (parsed once). */
export function onnxModelType(): protobuf.Type {
  return (modelType ??= protobuf.parse(ONNX_SUBSET, { keepCase: true }).root.lookupType("onnx.ModelProto"));
}
