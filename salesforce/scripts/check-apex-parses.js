#!/usr/bin/env node
// Parses every Apex class and trigger under force-app with the Apex grammar of
// @apexdevtools/apex-parser (pure JavaScript, no org, no Java), and holds the project's Apex rules:
// every non-test class declares its sharing, no hard-coded record ids, callouts only via callout:.
'use strict';

const fs = require('fs');
const path = require('path');
const { ApexParserFactory, ApexErrorListener } = require('@apexdevtools/apex-parser');

const ROOT = path.resolve(__dirname, '..', 'force-app');
const ID_LITERAL = /'([a-zA-Z0-9]{3}[0-9][a-zA-Z0-9]{11}(?:[a-zA-Z0-9]{3})?)'/g;

function apexFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return apexFiles(full);
    return /\.(cls|trigger)$/.test(entry.name) ? [full] : [];
  });
}

class Collect extends ApexErrorListener {
  constructor() {
    super();
    this.errors = [];
  }
  apexSyntaxError(line, column, msg) {
    this.errors.push(`${line}:${column} ${msg}`);
  }
}

function withoutComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

function ruleViolations(file, source) {
  const code = withoutComments(source);
  const problems = [];
  const isTest = /@IsTest/i.test(code);
  const declaration = code.match(/^[^\n;{]*\b(class|interface|trigger)\b[^\n{]*/m);
  if (file.endsWith('.cls') && declaration && declaration[1] === 'class' && !isTest) {
    if (!/\b(with|without|inherited)\s+sharing\b/i.test(declaration[0])) {
      problems.push(`class declaration must state its sharing: "${declaration[0].trim()}"`);
    }
  }
  if (!isTest) {
    for (const match of code.matchAll(ID_LITERAL)) {
      if (/\d/.test(match[1]) && /[a-zA-Z]/.test(match[1])) problems.push(`hard-coded record id ${match[1]}`);
    }
  }
  if (/setEndpoint\(\s*'https?:/i.test(code)) problems.push('callout endpoint must be callout:<Named Credential>');
  return problems;
}

const files = apexFiles(ROOT);
let failures = 0;
for (const file of files) {
  const source = fs.readFileSync(file, 'utf8');
  const listener = new Collect();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  if (file.endsWith('.trigger')) parser.triggerUnit();
  else parser.compilationUnit();
  const problems = listener.errors.concat(ruleViolations(file, source));
  if (!fs.existsSync(`${file}-meta.xml`)) problems.push('missing -meta.xml');
  for (const problem of problems) {
    console.error(`${path.relative(process.cwd(), file)}: ${problem}`);
  }
  failures += problems.length ? 1 : 0;
}
if (files.length === 0) {
  console.error('no Apex files found under force-app');
  process.exit(1);
}
console.log(`apex: ${files.length - failures}/${files.length} files parse and follow the rules`);
process.exit(failures ? 1 : 0);
