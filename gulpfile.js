'use strict';
// Copies the node and credential icons next to the compiled code, where `file:` icon paths point.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['icons/*.svg', 'nodes/**/*.svg', 'credentials/**/*.svg'], { base: '.', allowEmpty: true }).pipe(dest('dist')),
);
