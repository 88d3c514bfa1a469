"""What the patent-office XML readers share: safe parsing (:mod:`.safe`), the read loop
(:mod:`.reading`) and the values, numbers, codes and claims read out of elements
(:mod:`.patent`)."""
