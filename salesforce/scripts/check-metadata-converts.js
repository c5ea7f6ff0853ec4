#!/usr/bin/env node
// Converts each deployable variant of the project from source format to Metadata API format with
// @salesforce/source-deploy-retrieve (the library `sf project deploy` and `sf project convert
// source` use), into a temp dir, offline, honouring .forceignore as the CLI does:
//   - "any org": force-app + relay (no SCMFFA__ name anywhere: deploys without the earlier package);
//   - "with the earlier SCMFFA package": the same + scmffa (its fields' permission sets).
// Fails on any file SDR cannot resolve to a metadata type (unless .forceignore'd), a conversion
// error, or an SCMFFA__ name in the "any org" variant; prints the component count per type.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { ComponentSet, ForceIgnore, MetadataConverter } = require('@salesforce/source-deploy-retrieve');

const PROJECT = path.resolve(__dirname, '..');
const VARIANTS = {
  'any org': ['force-app', 'relay'],
  'with the earlier SCMFFA package': ['force-app', 'relay', 'scmffa'],
};
const IGNORE = ForceIgnore.findAndCreate(PROJECT);
const API_VERSION = JSON.parse(fs.readFileSync(path.join(PROJECT, 'sfdx-project.json'), 'utf8')).sourceApiVersion;

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__tests__' ? [] : sourceFiles(full);
    return [full];
  });
}

async function convertVariant(name, dirs) {
  const sources = dirs.map((dir) => path.join(PROJECT, dir));
  const set = ComponentSet.fromSource({ fsPaths: sources });
  set.sourceApiVersion = API_VERSION;
  const components = set.getSourceComponents().toArray();
  const covered = new Set();
  for (const component of components) {
    for (const file of [component.xml, ...component.walkContent()].filter(Boolean)) covered.add(path.resolve(file));
    for (const child of component.getChildren()) {
      if (child.xml) covered.add(path.resolve(child.xml));
    }
  }
  const ignored = sources
    .flatMap(sourceFiles)
    .filter((file) => !covered.has(path.resolve(file)) && !IGNORE.denies(file));
  if (ignored.length) {
    console.error('files SDR does not recognise as metadata:\n  ' + ignored.map((f) => path.relative(PROJECT, f)).join('\n  '));
    process.exit(1);
  }

  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oim-mdapi-'));
  try {
    await new MetadataConverter().convert(set, 'metadata', { type: 'directory', outputDirectory: outDir, genUniqueDir: false });
    const manifest = fs.readFileSync(path.join(outDir, 'package.xml'), 'utf8');
    const counts = {};
    for (const component of set.toArray()) counts[component.type.name] = (counts[component.type.name] || 0) + 1;
    if (name === 'any org') {
      const earlier = [...covered].filter((file) => fs.statSync(file).isFile() && /SCMFFA__/.test(fs.readFileSync(file, 'utf8')));
      // The posting endpoint's URL mapping (/SCMFFA/v1/post) has no double underscore.
      if (earlier.length) throw new Error('SCMFFA__ names in the variant for any org:\n  ' + earlier.map((f) => path.relative(PROJECT, f)).join('\n  '));
    }
    console.log(`metadata (${name}: ${dirs.join(' + ')}): ${set.size} components convert (API ${API_VERSION}):`);
    for (const [type, count] of Object.entries(counts).sort()) console.log(`  ${type}: ${count}`);
    if (!manifest.includes(`<version>${API_VERSION}</version>`)) throw new Error('package.xml has another API version');
    if (process.env.MDAPI_OUT) {
      fs.cpSync(outDir, process.env.MDAPI_OUT, { recursive: true });
      console.log(`metadata format copied to ${process.env.MDAPI_OUT}`);
    }
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

async function main() {
  for (const [name, dirs] of Object.entries(VARIANTS)) await convertVariant(name, dirs);
}

main().catch((error) => {
  console.error(`conversion failed: ${error.message}`);
  process.exit(1);
});
