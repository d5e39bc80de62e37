import { toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';

/** Encode a message to one exact-size buffer. */
export function encodeMessage<D extends DescMessage>(desc: D, msg: MessageShape<D>): Uint8Array {
  return toBinary(desc, msg, { writeUnknownFields: true });
}
