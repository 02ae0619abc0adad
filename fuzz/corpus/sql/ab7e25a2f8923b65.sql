SELECT n.id, s.TransactionNo FROM nulls n LEFT JOIN sales s ON n.s = s.TransactionNo WHERE n.id < 3
