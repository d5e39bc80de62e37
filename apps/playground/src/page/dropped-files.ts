// What the user dropped or chose: files (a DataTransfer's items, folders walked through
// webkitGetAsEntry) with their paths, and which one is the model. Files in the model's folder
// (and below) are its side files, named by their path relative to that folder — the names an
// ONNX model's external data `location` uses.

export interface PickedFile<F> {
  /** '/'-separated path inside what was dropped ('model.onnx', 'bert/model.onnx.data') */
  path: string;
  file: F;
}

export class DropError extends Error {
  override name = 'DropError';
}

export function pickModel<F>(files: readonly PickedFile<F>[]): { model: PickedFile<F>; sideFiles: { name: string; file: F }[] } {
  const models = files.filter((f) => /\.onnx$/i.test(f.path));
  if (models.length === 0) throw new DropError(`no .onnx model among ${files.map((f) => f.path).join(', ') || 'the dropped files'}`);
  if (models.length > 1) throw new DropError(`drop one model at a time (with its data files); got ${models.map((f) => f.path).join(', ')}`);
  const model = models[0]!;
  const dir = model.path.slice(0, model.path.lastIndexOf('/') + 1);
  const sideFiles = files.filter((f) => f !== model && f.path.startsWith(dir)).map((f) => ({ name: f.path.slice(dir.length), file: f.file }));
  return { model, sideFiles };
}

/** A FileList (file input, also with webkitdirectory) with the files' relative paths. */
export function listedFiles(list: FileList): PickedFile<File>[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

const readEntries = (reader: FileSystemDirectoryReader) => new Promise<FileSystemEntry[]>((done, fail) => reader.readEntries(done, fail));

async function walk(entry: FileSystemEntry, out: PickedFile<File>[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((done, fail) => (entry as FileSystemFileEntry).file(done, fail));
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns the folder in batches (100 in Chromium) until an empty one.
    for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader)) {
      for (const e of batch) await walk(e, out);
    }
  }
}

/**
 * Everything dropped, folders included. Call it inside the `drop` handler: the entries must be
 * taken before the event returns (the DataTransfer is emptied afterwards).
 */
export function droppedFiles(dt: DataTransfer): Promise<PickedFile<File>[]> {
  const entries = Array.from(dt.items).filter((i) => i.kind === 'file').map((i) => i.webkitGetAsEntry?.() ?? null);
  const files = listedFiles(dt.files);
  // Synthetic drops (and some browsers) give no entries: the plain file list then.
  if (!entries.length || entries.some((e) => e === null)) return Promise.resolve(files);
  return (async () => {
    const out: PickedFile<File>[] = [];
    for (const e of entries) await walk(e!, out);
    return out;
  })();
}
