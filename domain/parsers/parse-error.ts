/** Device output that does not look like what the command prints on a real device. */
export class DeviceOutputError extends Error {
  constructor(command: string, problem: string, output: string) {
    super(`unexpected output from "${command}": ${problem}${output ? `; output began: ${JSON.stringify(output.slice(0, 200))}` : ''}`);
    this.name = 'DeviceOutputError';
  }
}
