// The few Node.js globals and modules a lab program (and kafkajs's type definitions) refer to,
// declared for Monaco's TypeScript service. A full @types/node would be megabytes; labs only need these.

/** Ambient declarations added to the editor as an extra lib. */
export const NODE_SHIM = `
declare namespace NodeJS {
  interface ProcessEnv { [name: string]: string | undefined }
  interface Timeout {
    ref(): this;
    unref(): this;
    hasRef(): boolean;
  }
  interface ReadableStream extends AsyncIterable<string | Buffer> {
    on(event: string, listener: (...args: any[]) => void): this;
    setEncoding(encoding: string): this;
  }
}
declare var process: {
  env: NodeJS.ProcessEnv;
  argv: string[];
  pid: number;
  exitCode: number | undefined;
  exit(code?: number): never;
  on(event: 'SIGTERM' | 'SIGINT' | 'exit' | 'uncaughtException' | 'unhandledRejection', listener: (...args: any[]) => void): void;
  once(event: 'SIGTERM' | 'SIGINT' | 'exit', listener: (...args: any[]) => void): void;
  stdin: NodeJS.ReadableStream;
  stdout: { write(text: string): boolean };
  stderr: { write(text: string): boolean };
};
declare var console: {
  log(...data: any[]): void;
  info(...data: any[]): void;
  warn(...data: any[]): void;
  error(...data: any[]): void;
  debug(...data: any[]): void;
};
declare function setTimeout(callback: (...args: any[]) => void, ms?: number, ...args: any[]): any;
declare function clearTimeout(handle: any): void;
declare function setInterval(callback: (...args: any[]) => void, ms?: number, ...args: any[]): any;
declare function clearInterval(handle: any): void;
declare class Buffer extends Uint8Array {
  static from(data: string | ArrayLike<number> | ArrayBuffer, encoding?: string): Buffer;
  static isBuffer(value: unknown): value is Buffer;
  static concat(list: readonly Uint8Array[]): Buffer;
  toString(encoding?: string): string;
}
declare module 'node:readline' {
  export interface Interface extends AsyncIterable<string> {
    on(event: 'line', listener: (line: string) => void): this;
    on(event: 'close', listener: () => void): this;
    close(): void;
  }
  export function createInterface(options: { input: NodeJS.ReadableStream; crlfDelay?: number; terminal?: boolean }): Interface;
}
declare module 'readline' {
  export * from 'node:readline';
}
declare module 'tls' { export interface ConnectionOptions { [option: string]: unknown } }
declare module 'net' { export class Socket { [member: string]: unknown } }
`;
