// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IERC20 {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function allowance(address owner, address spender) external view returns (uint256);
    function balanceOf(address owner) external view returns (uint256);
}

/// Pays many recipients in one transaction from the caller's own tokens (the caller approves this
/// contract once). It holds nothing and has no owner: `from` is always msg.sender, so nobody can move
/// anyone else's tokens through it.
///
/// Each leg is attempted on its own: a leg the token refuses emits LegFailed(leg) and the others still
/// pay, so one bad recipient cannot sink a batch, and each leg's outcome is read from the receipt's logs.
/// What concerns the whole batch reverts it as a whole, so no leg is failed for it: the caller's balance or
/// allowance short of the total, or too little gas left for the remaining legs.
contract Disburser {
    event LegFailed(uint256 indexed leg);

    /// Gas kept back for each leg: a leg is only attempted with at least this much left.
    uint256 public constant LEG_GAS = 60000;

    function disburse(address token, address[] calldata to, uint256[] calldata amounts) external {
        require(to.length == amounts.length, "length mismatch");
        uint256 total = 0;
        for (uint256 i = 0; i < amounts.length; i++) total += amounts[i];
        IERC20 t = IERC20(token);
        require(t.balanceOf(msg.sender) >= total && t.allowance(msg.sender, address(this)) >= total, "balance or allowance short of the batch");
        for (uint256 i = 0; i < to.length; i++) {
            require(gasleft() > LEG_GAS + 5000, "out of gas for the remaining legs");
            (bool ok, bytes memory ret) = token.call{gas: LEG_GAS}(
                abi.encodeWithSelector(IERC20.transferFrom.selector, msg.sender, to[i], amounts[i])
            );
            bool paid = ok && (ret.length == 0 || (ret.length >= 32 && abi.decode(ret, (bool))));
            if (!paid) emit LegFailed(i);
        }
    }
}
