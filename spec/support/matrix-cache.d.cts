/** The versions the matrix runs besides the machine's own Node and the repository's rxjs and TypeScript (matrix.json). */
export declare const MATRIX: { readonly node: readonly string[]; readonly rxjs: readonly string[]; readonly typescript: string };
/** Where the matrix's installs live: `$TMPDIR/reactive-websocket-matrix`. */
export declare const ROOT: string;
/** The folder `<ROOT>/<name>` with `packages` (npm install arguments) installed in it, installed now unless an earlier run did. */
export declare function installed(name: string, packages: readonly string[]): Promise<string>;
/** The `node` executable of Node `version` for this platform. */
export declare function nodeExecutable(version: string): Promise<string>;
/** TypeScript 7's `tsc`, a script to run with node. */
export declare function typescript7(): Promise<string>;
/** The repository packed with `npm pack`, named by the sha256 of its contents. */
export declare function packedTarball(repository: string): Promise<string>;
/** Removes the tarballs of earlier builds but the newest `keep`. */
export declare function pruneTarballs(keep?: number): void;
