SELECT lpad('7', 3, '0'), rpad('7', 3, '0'), lpad('hello', 3, '*'), rpad('ab', 6, 'xy'), lpad(ProductNo, 8, '.') FROM sales WHERE TransactionNo = '581493' AND ProductNo = '20718'
