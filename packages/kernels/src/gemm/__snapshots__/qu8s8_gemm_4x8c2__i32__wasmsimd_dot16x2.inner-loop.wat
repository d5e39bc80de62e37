        loop $while-continue|4
         local.get $19
         local.get $35
         i32.lt_u
         if
          local.get $17
          local.get $19
          v128.load32_splat
          local.tee $36
          local.get $4
          v128.load
          local.tee $34
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $17
          local.get $18
          local.get $36
          local.get $4
          v128.load offset=16
          local.tee $36
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $18
          local.get $25
          local.get $19
          v128.load32_splat offset=4
          local.tee $37
          local.get $34
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $25
          local.get $21
          local.get $37
          local.get $36
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $21
          local.get $26
          local.get $19
          v128.load32_splat offset=8
          local.tee $37
          local.get $34
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $26
          local.get $27
          local.get $37
          local.get $36
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $27
          local.get $28
          local.get $19
          v128.load32_splat offset=12
          local.tee $37
          local.get $34
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $28
          local.get $29
          local.get $37
          local.get $36
          i32x4.dot_i16x8_s
          i32x4.add
          local.set $29
          local.get $19
          i32.const 16
          i32.add
          local.set $19
          local.get $4
          i32.const 32
          i32.add
          local.set $4
          br $while-continue|4
         end
        end