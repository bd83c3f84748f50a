// The few Node.js globals and modules a lab program (and kafkajs's type definitions) refer to,
// declared for Monaco's TypeScript service. A full @types/node would be megabytes; labs only need these.

/** Ambient declarations added to the editor as an extra lib. */
export const NODE_SHIM = `
declare namespace NodeJS {
  interface ProcessEnv { [name: string]: string | undefined }
}
declare var process: {
  env: NodeJS.ProcessEnv;
  argv: string[];
  exitCode: number | undefined;
  exit(code?: number): never;
  on(event: 'SIGTERM' | 'SIGINT' | 'exit' | 'uncaughtException' | 'unhandledRejection', listener: (...args: any[]) => void): void;
  once(event: 'SIGTERM' | 'SIGINT' | 'exit', listener: (...args: any[]) => void): void;
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
declare module 'tls' { export interface ConnectionOptions { [option: string]: unknown } }
declare module 'net' { export class Socket { [member: string]: unknown } }
`;
