"""faka-drill conductor: scenario -> stack -> load + faults -> histories -> checks -> report."""
