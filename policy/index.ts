// The CrossGuard pack: `pulumi preview --policy-pack <path-to>/policy`. The PolicyPack
// constructor starts the analyzer server, which is why the policies live in policies.ts.
import { PolicyPack } from "@pulumi/policy";
import { packName, policies } from "./policies";

new PolicyPack(packName, { policies });
