#!/usr/bin/env node
// Converts force-app from source format to Metadata API format with
// @salesforce/source-deploy-retrieve (the library `sf project deploy` uses), into a temp dir,
// offline. Fails on any file SDR cannot resolve to a metadata type, or a conversion error;
// prints the component count per type, and the package.xml SDR writes.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { ComponentSet, MetadataConverter } = require('@salesforce/source-deploy-retrieve');

const PROJECT = path.resolve(__dirname, '..');
const SOURCE = path.join(PROJECT, 'force-app');
const API_VERSION = JSON.parse(fs.readFileSync(path.join(PROJECT, 'sfdx-project.json'), 'utf8')).sourceApiVersion;

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__tests__' ? [] : sourceFiles(full);
    return [full];
  });
}

async function main() {
  const set = ComponentSet.fromSource(SOURCE);
  set.sourceApiVersion = API_VERSION;
  const components = set.getSourceComponents().toArray();
  const covered = new Set();
  for (const component of components) {
    for (const file of [component.xml, ...component.walkContent()].filter(Boolean)) covered.add(path.resolve(file));
    for (const child of component.getChildren()) {
      if (child.xml) covered.add(path.resolve(child.xml));
    }
  }
  const ignored = sourceFiles(SOURCE).filter((file) => !covered.has(path.resolve(file)));
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
    console.log(`metadata: ${set.size} components convert (API ${API_VERSION}):`);
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

main().catch((error) => {
  console.error(`conversion failed: ${error.message}`);
  process.exit(1);
});
