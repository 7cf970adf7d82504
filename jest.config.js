/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts', '**/*.test.js'],
	// Transpile only (isolatedModules): `npm run typecheck` checks the types once, so jest does not
	// type-check every file again (that was most of a cold run).
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
	testTimeout: 30000,
	// The tests mostly wait on sockets and timers, not the CPU: three workers even on two cores.
	maxWorkers: 3,
};
