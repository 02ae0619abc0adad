SELECT -Quantity, Quantity * 2 - 1, Price / 2, Price * Quantity FROM sales WHERE TransactionNo = '581493'
