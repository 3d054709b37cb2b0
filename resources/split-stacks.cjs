// serverless-plugin-split-stacks, packaging offline. The plugin asks CloudFormation where each resource of an
// already deployed stack lives, so an update never moves one; that lookup needs AWS credentials and the
// network, which `serverless package` must not. With the per-group-function strategy a resource's nested
// stack is a hash of its function's name (modulo nestedStackCount), so it is the same at every deploy and the
// lookup can be skipped: keep nestedStackCount fixed once deployed.
const SplitStacks = require('serverless-plugin-split-stacks');

class SplitStacksOffline extends SplitStacks {
  constructor(serverless, options) {
    super(serverless, options);
    this.migrateExistingResources = async function migrateExistingResources() {
      this.existingResources = {};
    };
  }
}

module.exports = SplitStacksOffline;
