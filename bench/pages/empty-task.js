/** A task that does nothing: what is left of its round trip is the protocol's and the Web Worker's overhead. */
export default async function emptyTask(input) {
  return input;
}
