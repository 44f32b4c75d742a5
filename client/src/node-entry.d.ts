// The repo compiles with `moduleResolution: node`, which ignores package `exports`, so the
// `vscode-languageclient/node` entry point is declared here from the file it maps to.
declare module 'vscode-languageclient/node' {
  export * from 'vscode-languageclient/lib/node/main';
}
