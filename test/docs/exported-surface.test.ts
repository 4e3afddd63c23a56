import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
// The subpath exports other services build on (package.json "exports").
const entries = {
  'hookledger/domain': 'src/domain/index.ts',
  'hookledger/application': 'src/application/index.ts',
  'hookledger/memory': 'src/main/embedded.ts',
  'hookledger/client': 'src/client/index.ts',
};

/** Exported names whose declarations carry no TSDoc. */
const undocumented = (entry: string): string[] => {
  const file = resolve(root, entry);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker
    .getExportsOfModule(module)
    .filter((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '';
    })
    .map((s) => s.getName())
    .sort();
};

describe('the exported surface is documented (TSDoc reaches editors through the .d.ts files)', () => {
  for (const [name, entry] of Object.entries(entries)) {
    it(`every export of ${name} has a TSDoc comment`, () => {
      expect(undocumented(entry)).toEqual([]);
    });
  }
});
