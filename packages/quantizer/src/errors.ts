/** Any failure of the quantizer, with a message naming the model element involved. */
export class QuantizerError extends Error {
  constructor(message: string, readonly node?: string) {
    super(node ? `${message} (node '${node}')` : message);
    this.name = 'QuantizerError';
  }
}
