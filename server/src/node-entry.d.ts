// The repo compiles with `moduleResolution: node`, which ignores package `exports`, so the
// `vscode-languageserver/node` entry point is declared here from the files it maps to.
declare module 'vscode-languageserver/node' {
  export * from 'vscode-languageserver/lib/node/main';
  export * from 'vscode-languageserver/node_modules/vscode-languageserver-protocol/lib/node/main';
  export * from 'vscode-languageserver/node_modules/vscode-jsonrpc/lib/node/main';
}
