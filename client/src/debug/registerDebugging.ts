// Everything the extension registers for debugging guests, as tracked disposables: the adapter,
// the configuration providers, the session watcher, the Rings / Page Tables / TLB views and the
// guest commands.

import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../../../core/src/protocol';
import { codeCacheArguments } from '../codeCache';
import type { CommandRegistry } from '../commands';
import type { Config } from '../config';
import { PageTablesView } from '../views/pageTablesView';
import { RingsView } from '../views/ringsView';
import { TlbView } from '../views/tlbView';
import { RingsideAdapterFactory } from './adapterFactory';
import { ActiveFileConfigurationProvider, RingsideConfigurationProvider, type ProgramOf } from './configurationProvider';
import { registerGuestCommands } from './guestCommands';
import { GuestSessionWatcher } from './guestSessionWatcher';

export function registerDebugging(context: vscode.ExtensionContext, registry: CommandRegistry, config: Config, programOf: ProgramOf): void {
  const { debug } = vscode;
  registry.track(debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new RingsideAdapterFactory(context.asAbsolutePath('dist/debugAdapter.js'), codeCacheArguments(context))));
  registry.track(debug.registerDebugConfigurationProvider(DEBUG_TYPE, new RingsideConfigurationProvider(config, programOf)));
  registry.track(debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ActiveFileConfigurationProvider(programOf), vscode.DebugConfigurationProviderTriggerKind.Dynamic));
  const watcher = registry.track(new GuestSessionWatcher());
  const pageTables = registry.track(new PageTablesView(watcher));
  registry.track(new TlbView(watcher));
  registry.track(new RingsView(watcher));
  registerGuestCommands({ registry, config, cliPath: context.asAbsolutePath('dist/cli.js'), watcher, pageTables, programOf });
}
