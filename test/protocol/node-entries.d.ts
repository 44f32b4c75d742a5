// The repo compiles with `moduleResolution: node`, which ignores package `exports`; these map the
// entry points the protocol tests import to the declaration files they resolve to at run time.
declare module 'vscode-jsonrpc/node' {
  export * from 'vscode-jsonrpc/lib/node/main';
}
