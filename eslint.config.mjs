// ESLint flat config: the recommended JavaScript and TypeScript rules, plus the few that keep the
// code honest about what it uses. Formatting is Prettier's job (npm run lint runs both).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "policy/node_modules/", "test/fixtures/", ".build/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { ecmaVersion: 2022, sourceType: "module" },
        rules: {
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
            // Lambda handlers require the AWS SDK inside the function body so that it is not serialized.
            "@typescript-eslint/no-require-imports": "off",
            // SDK request and response shapes are loosely typed on purpose at the handler boundary.
            "@typescript-eslint/no-explicit-any": "off",
            eqeqeq: ["error", "always"],
            "no-console": "off",
            "prefer-const": "error",
        },
    },
    {
        // Plain CommonJS tools that run before anything is compiled.
        files: ["tools/**/*.js"],
        languageOptions: {
            sourceType: "commonjs",
            globals: { require: "readonly", module: "writable", __dirname: "readonly", process: "readonly" },
        },
    },
);
